"""`make loadtest`: the questionnaire's save cycle under concurrent focal points, over real HTTP."""
