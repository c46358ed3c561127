# 31 dic. 2030 (the Real Academia's abbreviations: ene., feb., ..., dic.).
DATE_FORMAT = "j b. Y"
DATETIME_FORMAT = "j b. Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j b."
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = ","
# Spanish writes the sign after a no-break space: "62,3 %".
PERCENT_SIGN = "\u00a0%"
