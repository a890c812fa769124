"""Amounts as official documents write them: 亿元 from one hundred million up, otherwise 万元, with thousands
separators and at most two decimals (trailing zeros dropped)."""

from decimal import ROUND_HALF_UP, Decimal

YI, WAN = Decimal("100000000"), Decimal("10000")


def _grouped(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_text(yuan) -> str:
    amount = Decimal(str(yuan or 0))
    if abs(amount) >= YI:
        return f"{_grouped(amount / YI)}亿元"
    return f"{_grouped(amount / WAN)}万元"
