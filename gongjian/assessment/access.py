"""Who sees which assessment results: the office and city leaders see everything (leaders read-only); a unit's
members see the published tables and their own unit's breakdown, published or not; nobody else sees a score.
Outside that scope a result does not exist (404); a read-only user writing gets 403."""

from django.db.models import Q, QuerySet
from django.http import Http404

from gongjian.assessment.models import Ranking, Score
from gongjian.org.access import get_or_404, has_role, is_office, require, sees_everything, unit_id_of
from gongjian.org.models import Role

UNIT_ROLES = (Role.UNIT_EDITOR, Role.UNIT_VIEWER)


def member_unit_id(user) -> int | None:
    """The unit whose results the user sees as a member (editor or viewer); None for everyone else."""
    return unit_id_of(user) if has_role(user, *UNIT_ROLES) else None


def may_use(user) -> bool:
    return sees_everything(user) or member_unit_id(user) is not None


def rankings_visible_to(user) -> QuerySet[Ranking]:
    """League tables a user may open: all of them for the office and leaders, published ones for unit members."""
    rankings = Ranking.objects.select_related("scheme", "scheme__campaign")
    if sees_everything(user):
        return rankings
    if member_unit_id(user) is not None:
        return rankings.filter(state=Ranking.State.PUBLISHED)
    return rankings.none()


def ranking_for(user, pk, *, write: bool = False) -> Ranking:
    ranking = get_or_404(rankings_visible_to(user), pk)
    if write:
        require(is_office(user))
    return ranking


def scores_visible_to(user) -> QuerySet[Score]:
    scores = Score.objects.all()
    if sees_everything(user):
        return scores
    unit_id = member_unit_id(user)
    if unit_id is None:
        return scores.none()
    return scores.filter(Q(ranking__state=Ranking.State.PUBLISHED) | Q(unit_id=unit_id))


def score_for(user, ranking: Ranking, unit_id) -> Score:
    try:
        unit_id = int(unit_id)
    except (TypeError, ValueError):
        raise Http404 from None
    score = scores_visible_to(user).filter(ranking=ranking, unit_id=unit_id).select_related("unit", "ranking").first()
    if score is None:
        raise Http404
    return score
