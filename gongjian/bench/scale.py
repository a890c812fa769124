"""The benchmark scales (docs/architecture.md "Performance targets"): a county, a city of 10 counties, a province of 100.

Each county-sized block is one org (80 units) running one campaign; tasks, milestones and reports are spread evenly
over the blocks. `tiny` is for tests only and is not offered on the command line's help.
"""

from dataclasses import dataclass
from datetime import date

UNITS_PER_BLOCK = 80
MILESTONES_PER_TASK = 5
REPORTS_PER_TASK = 12  # the target; the generated count comes out near it
BENCH_TODAY = date(2023, 9, 15)  # late in the year: eight months of history and a realistic colour mix


@dataclass(frozen=True)
class Scale:
    name: str
    blocks: int
    tasks: int
    projects: int
    tickets: int

    @property
    def units(self) -> int:
        return self.blocks * UNITS_PER_BLOCK

    @property
    def tasks_per_block(self) -> int:
        return self.tasks // self.blocks

    @property
    def milestones(self) -> int:
        return self.tasks * MILESTONES_PER_TASK

    @property
    def reports(self) -> int:
        return self.tasks * REPORTS_PER_TASK

    def sizes(self) -> dict[str, int]:
        return {"units": self.units, "tasks": self.tasks, "milestones": self.milestones, "reports": self.reports,
                "projects": self.projects, "tickets": self.tickets}


SCALES = {
    "tiny": Scale("tiny", blocks=1, tasks=30, projects=10, tickets=200),
    "county": Scale("county", blocks=1, tasks=1_000, projects=300, tickets=20_000),
    "city": Scale("city", blocks=10, tasks=10_000, projects=3_000, tickets=200_000),
    "province": Scale("province", blocks=100, tasks=100_000, projects=30_000, tickets=2_000_000),
}
PUBLIC_SCALES = ("county", "city", "province")
