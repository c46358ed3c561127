# 31 déc. 2030 (abbreviated months with their full stop, as French typography writes them).
DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j N"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = ","
# French typography: a narrow no-break space before the sign, so "62,3 %" never breaks a line.
PERCENT_SIGN = "\u202f%"
