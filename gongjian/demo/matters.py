"""March 2023 督办事项 of every kind for Laixi, with the documents they travel in: two leaders' instructions (one
closed and signed off), a standing meeting's decisions parsed from its minutes, two assignments from Qingdao, a
deputy's suggestion and a CPPCC proposal, one item split down to a town's own offices, and a signed 督办通知单. The
people are named by post and the figures are the demo's, not real records."""

from datetime import date

from django.contrib.auth import get_user_model

from gongjian.documents import services as documents
from gongjian.documents.models import DocType, Document
from gongjian.matters import services
from gongjian.matters.models import Meeting, MeetingItem
from gongjian.org.models import Person, Unit

MINUTES = """市政府第5次常务会议纪要
2023年3月13日，市长主持召开市政府第5次常务会议，研究高铁新城建设、预制菜产业园配套和春季森林防火等工作。纪要如下：
会议议定：
一、加快高铁新城片区路网建设，住建局牵头，6月底前完成纬三路、经二路主体工程。
二、店埠镇抓紧完成莱西预制菜产业园供水供电配套，水利局配合，5月底前具备企业入驻条件。
三、应急局牵头做好春季森林防火，4月底前完成重点林区隐患排查整治。
会议要求：各有关单位要明确责任人和时间节点，每周向市政府督查室报送进展。
"""


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def load(office) -> dict:
    if Meeting.objects.filter(title="市政府第5次常务会议").exists():
        return {"items": MeetingItem.objects.count()}
    units = {u.name: u for u in Unit.objects.all()}
    documents.letterhead_update(actor=office, authority="莱西市人民政府督查室", signature="莱西市人民政府督查室",
                                abbreviation="莱", printer="莱西市人民政府督查室")

    # 批示件: one handled, closed and signed off by the mayor; one just registered, its 拟办意见 awaiting approval.
    plant = services.instruction_register(
        actor=office, leader=_person("mayor"), received_on=date(2023, 3, 6), deadline=date(2023, 3, 31),
        report_title="关于姜山镇新材料产业园标准厂房建设滞后的情况反映",
        instruction_text="请督查室督促姜山镇倒排工期，月底前完成主体封顶，结果报我。",
        title="督促姜山镇新材料产业园标准厂房加快建设", lead_unit=units["姜山镇"], co_units=[units["住建局"]],
        proposed_handling="建议由姜山镇牵头、住建局配合，3月底前完成主体封顶并书面报告")
    services.instruction_approve_handling(actor=office, instruction=plant)
    services.handling_report(actor=office, item=plant,
                             text="已增加两个施工班组，实行昼夜倒班；3号、4号厂房3月27日主体封顶，5号厂房4月上旬封顶。")
    services.matter_close(actor=office, item=plant, on=date(2023, 3, 28))
    services.instruction_sign_off(actor=_user("mayor"), instruction=plant)
    services.instruction_register(
        actor=office, leader=_person("secretary"), received_on=date(2023, 3, 29),
        report_title="2023年春季农村人居环境整治情况专报",
        instruction_text="各镇街要对照问题清单逐项整改，4月中旬前全部清零，督查室跟踪问效。",
        title="农村人居环境整治问题清单整改", lead_unit=units["农业农村局"], co_units=[units["院上镇"], units["日庄镇"]],
        proposed_handling="建议由农业农村局牵头、各镇街落实，10个工作日内报整改情况")

    # 会议议定事项, drafted from the minutes by the speech parser; the office set the units and deadlines.
    meeting = services.meeting_create(actor=office, title="市政府第5次常务会议", held_on=date(2023, 3, 13),
                                      chair="市长", minutes=MINUTES)
    plan = [("加快高铁新城片区路网建设，6月底前完成纬三路、经二路主体工程", "住建局", [], date(2023, 6, 30)),
            ("完成莱西预制菜产业园供水供电配套，5月底前具备企业入驻条件", "店埠镇", ["水利局"], date(2023, 5, 31)),
            ("做好春季森林防火，4月底前完成重点林区隐患排查整治", "应急局", [], date(2023, 4, 28))]
    items = [services.meeting_item_create(actor=office, meeting=meeting, title=title, lead_unit=units[unit],
                                          co_units=[units[c] for c in co], deadline=deadline)
             for title, unit, co, deadline in plan]
    # 市→镇→村: 店埠镇 splits its item for its own villages.
    for village, deadline in (("东大寨村", date(2023, 4, 28)), ("西庄头村", date(2023, 5, 19))):
        services.matter_split(actor=office, item=items[1], title=f"{village}：产业园片区供水管网接入",
                              lead_unit=units["店埠镇"], deadline=deadline)

    # 上级交办: one open; one done and reported to Qingdao.
    services.assignment_create(
        actor=office, upstream_body="青岛市安全生产委员会办公室", upstream_number="青安办字〔2023〕9号",
        upstream_deadline=date(2023, 4, 21), title="开展2023年春季安全生产大检查", lead_unit=units["应急局"],
        co_units=[units["住建局"], units["交通运输局"]])
    river = services.assignment_create(
        actor=office, upstream_body="青岛市委督查室", upstream_number="青督字〔2023〕15号",
        upstream_deadline=date(2023, 4, 7), title="大沽河莱西段水环境问题整改", lead_unit=units["生态环境分局"],
        co_units=[units["水利局"]])
    services.handling_report(actor=office, item=river,
                             text="已完成沿河3处排污口封堵和2处垃圾堆放点清理，水质监测达到Ⅲ类标准。")
    services.matter_close(actor=office, item=river, on=date(2023, 3, 29))
    services.assignment_reply(actor=office, assignment=river, replied_on=date(2023, 3, 30),
                              reply_text="整改情况已书面报送青岛市委督查室。")

    # 建议提案, assigned at the 交办会 on 10 March: one answered with the deputy satisfied, one being handled.
    market = services.proposal_create(
        actor=office, kind="npc", code="第0012号", title="关于加快店埠镇农贸市场改造提升的建议",
        proposers="店埠镇代表团（领衔人：店埠镇人大代表）", lead_unit=units["商务局"], co_units=[units["店埠镇"]],
        joint_units=[units["市场监管局"]], assigned_on=date(2023, 3, 10))
    services.proposal_meet(actor=office, proposal=market, met_on=date(2023, 3, 20),
                           note="商务局分管负责人到店埠镇与领衔代表面商，现场查看市场大棚和排水设施。")
    services.proposal_answer(actor=office, proposal=market, answer_class="B",
                             answer_text="店埠镇农贸市场改造已列入2023年农贸市场提升计划，总投资约420万元，6月底前完成大棚和排水改造。")
    services.proposal_feedback(actor=office, proposal=market, satisfaction="satisfied")
    school = services.proposal_create(
        actor=office, kind="cppcc", code="第0036号", title="关于推进莱西职教园区产教融合的提案",
        proposers="市政协教育界别委员", lead_unit=units["教体局"], co_units=[units["人社局"], units["工信局"]],
        assigned_on=date(2023, 3, 10))
    services.proposal_meet(actor=office, proposal=school, met_on=date(2023, 3, 24),
                           note="教体局与提案委员座谈，商定以校企合作订单班为突破口。")

    # The 督办通知单 for the road-network item, drafted, reviewed and signed by the executive vice mayor.
    notice = documents.document_create(
        actor=office, doc_type=DocType.NOTICE, title="关于加快高铁新城片区路网建设的督办通知",
        recipient="住建局", task=items[0], cc="市委办公室，市政府办公室",
        body="市政府第5次常务会议议定，加快高铁新城片区路网建设。\n"
             "一、督办事项\n6月底前完成纬三路、经二路主体工程，项目总投资3.6亿元，年度计划投资1.2亿元。\n"
             "二、办理要求\n请于每周五前向市政府督查室报送进展，遇有问题及时报告。")
    documents.document_submit(actor=office, document=notice)
    documents.document_review(actor=office, document=notice, approve=True)
    documents.document_sign(actor=_user("execvicemayor"), document=notice)
    return {"items": MeetingItem.objects.count(), "documents": Document.objects.count()}
