# 31 Dec 2030 (the UN's English style: day, abbreviated month, year).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
# Written right after the number: 62.3%
PERCENT_SIGN = "%"
