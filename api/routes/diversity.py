"""Reference population and the participation / diversity report (facilitator only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Response, status

from meedenken.api.http.deps import FacilitatorDep, ReadSessionDep, SessionDep
from meedenken.api.present.diversity import diversity_answer, load_conversation
from meedenken.api.present.schemas import DiversityAnswer, ReferenceAnswer
from meedenken.engine.diversity_settings import MIN_CELL_SIZE_FLOOR, DiversitySettings
from meedenken.engine.reference import InvalidReferenceError, validate_reference
from meedenken.models.tables import ConversationReference, utcnow

router = APIRouter(prefix="/conversations/{conversation_id}", tags=["diversity"])

REFERENCE_EXAMPLE = {"attributes": {"age": {"18-34": 0.3, "35-64": 0.5, "65+": 0.2},
                                    "gender": {"man": 0.49, "vrouw": 0.51}}}


def _public(row: ConversationReference) -> ReferenceAnswer:
    return ReferenceAnswer(conversation_id=row.conversation_id,  # type: ignore[arg-type]
                           attributes=row.attributes, updated_at=row.updated_at.isoformat())


@router.put("/reference", response_model=ReferenceAnswer)
def put_reference(
    conv: FacilitatorDep, session: SessionDep,
    body: Annotated[Any, Body(examples=[REFERENCE_EXAMPLE])],
) -> ReferenceAnswer:
    """Set (replace) the reference population: ``{"attributes": {attribute: {category: share}}}``.

    Each attribute's shares must sum to 1 within 0.01, none negative, no attribute empty. Bad data
    answers 422 naming the attribute and the problem, and nothing is stored."""
    if not isinstance(body, dict) or "attributes" not in body:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            'body must be an object {"attributes": {attribute: {category: '
                            'share}}}')
    try:
        attributes = validate_reference(body["attributes"])
    except InvalidReferenceError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    row = session.get(ConversationReference, conv.id)
    if row is None:
        row = ConversationReference(conversation_id=conv.id,  # type: ignore[arg-type]
                                    attributes=attributes)
    else:
        row.attributes = attributes
        row.updated_at = utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    return _public(row)


@router.get("/reference", response_model=ReferenceAnswer)
def get_reference(conv: FacilitatorDep, session: ReadSessionDep) -> ReferenceAnswer:
    """The stored reference population (404 if none was set)."""
    row = session.get(ConversationReference, conv.id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"conversation {conv.id} has no reference population")
    return _public(row)


@router.delete("/reference", status_code=status.HTTP_204_NO_CONTENT)
def delete_reference(conv: FacilitatorDep, session: SessionDep) -> Response:
    """Remove the reference population (representativeness and weights are then not reported)."""
    row = session.get(ConversationReference, conv.id)
    if row is not None:
        session.delete(row)
        session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/diversity", response_model=DiversityAnswer)
def read_diversity(
    conv: FacilitatorDep, session: ReadSessionDep,
    k: Annotated[int, Query(ge=MIN_CELL_SIZE_FLOOR, le=1000,
                            description="hide cells with fewer participants (k-anonymity)")] = 5,
    top: Annotated[int, Query(ge=1, le=50,
                              description="top statements by group-informed consensus "
                                          "counted for coverage")] = 5,
) -> DiversityAnswer:
    """Participation, heterogeneity and representativeness per attribute, weights and opinion
    diversity of the conversation; cells of fewer than ``k`` participants are hidden."""
    data = load_conversation(session, conv.id)  # type: ignore[arg-type]
    return diversity_answer(data, DiversitySettings(min_cell_size=k, coverage_top_n=top))
