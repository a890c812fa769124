"""The league tables as .xlsx: one sheet per category, exactly the rows the page shows (all pages)."""

from gongjian.assessment.models import Category, Ranking
from gongjian.assessment.selectors import Row
from gongjian.xlsx import Column, SheetSpec, write_table

COLUMNS = [
    Column("rank", "名次", "int"), Column("unit", "单位", "text"), Column("total", "得分", "decimal"),
    Column("change", "较上期", "text"), Column("gap", "与最优差距", "decimal"), Column("red", "红牌", "int"),
    Column("yellow", "黄牌", "int"), Column("uncompleted", "年度未按期完成任务", "int"),
    Column("award", "评优资格", "text"),
]


def _row(row: Row) -> dict:
    s = row.score
    return {"rank": s.rank, "unit": s.unit.name, "total": s.total, "change": row.change_text, "gap": row.gap,
            "red": s.red_count, "yellow": s.yellow_count, "uncompleted": s.uncompleted_tasks,
            "award": "有" if s.award_eligible else "取消"}


def league_xlsx(ranking: Ranking, tables: dict[str, list[Row]]) -> bytes:
    sheets = [SheetSpec(f"{Category(category).label.replace('/', '、')}", COLUMNS, [_row(r) for r in rows],
                        dropdowns=False)
              for category, rows in tables.items()]
    return write_table(sheets)
