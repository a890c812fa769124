"""Argument types shared by our commands."""

import argparse
from datetime import date


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是有效日期（YYYY-MM-DD）：{text}") from None
