from datetime import date

import pytest

from gongjian.frontline import services
from gongjian.frontline.models import Ticket
from gongjian.org.models import Grid, Role
from gongjian.org.services import user_create


@pytest.fixture
def today(settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)  # a Wednesday
    return settings.GONGJIAN_TODAY


@pytest.fixture
def categories(cast):
    complaint = services.category_save(actor=cast.office, code="complaint", name="投诉", kind="complaint",
                                       description="对服务、环境等的投诉")
    services.attribute_save(actor=cast.office, category=complaint, code="repeat", description="是否重复反映",
                            datatype="singlevaluelist", required=True,
                            values=[{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}])
    return {
        "complaint": complaint,
        "consultation": services.category_save(actor=cast.office, code="consultation", name="咨询",
                                               kind="consultation"),
        "help": services.category_save(actor=cast.office, code="help", name="求助", kind="help"),
        "dispute": services.category_save(actor=cast.office, code="dispute", name="矛盾纠纷", kind="dispute"),
    }


@pytest.fixture
def make_ticket(cast, categories, today):
    def make(text="姜山镇前垛埠村路灯不亮已经9天了，晚上出门黑漆漆的", *, category="help", **fields):
        fields.setdefault("town", cast.unit_a)
        fields.setdefault("contact_name", "张三丰")
        fields.setdefault("contact_phone", "13812345678")
        return services.ticket_create(actor=None, category=categories[category], text=text,
                                      source=fields.pop("source", Ticket.Source.WEB), **fields)

    return make


@pytest.fixture
def assigned(cast, make_ticket):
    """A help ticket assigned to unit A (姜山镇) on 2023-03-01."""
    return services.ticket_assign(actor=cast.office, ticket=make_ticket(), unit=cast.unit_a)


@pytest.fixture
def signed(cast, assigned):
    return services.ticket_sign(actor=cast.editor_a, ticket=assigned)


@pytest.fixture
def replied(cast, signed):
    return services.ticket_reply(actor=cast.editor_a, ticket=signed, reply="已安排维修，路灯已恢复。")


@pytest.fixture
def grid_worker(cast):
    worker = user_create(actor=None, username="grid_a", password=cast.password, display_name="姜山镇网格员",
                         unit=cast.unit_a, roles=[Role.GRID_WORKER])
    village = Grid.objects.create(name="前垛埠村", level=Grid.Level.VILLAGE, town=cast.unit_a)
    Grid.objects.create(name="前垛埠村第1网格", level=Grid.Level.GRID, town=cast.unit_a, parent=village, worker=worker)
    return worker


@pytest.fixture
def grid_cell(grid_worker):
    return Grid.objects.get(worker=grid_worker)
