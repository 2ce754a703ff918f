"""Vietnamese formats: day before month, dots between thousands, comma for decimals.

Django's own ``vi`` formats neither group thousands nor read 05/07/2025 as 5 July.
"""

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "H:i d/m/Y"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 05/07/2025
    "%d/%m/%y",  # 05/07/25
    "%d-%m-%Y",  # 05-07-2025
    "%d.%m.%Y",  # 05.07.2025
    "%Y-%m-%d",  # 2025-07-05 (ISO, as browsers' date pickers send it)
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hg%M"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
