"""Saving an org's business profile: a boat that names a role or a checklist item twice is refused."""

from __future__ import annotations

import pytest

from firstmate.bootstrap import App
from firstmate.demo.run import demo_profile
from firstmate.domain.business import Asset, BusinessProfile, ChecklistTemplateItem
from firstmate.errors import InvalidInput
from firstmate.services.business import load_business, save_business


def _with_boat(profile: BusinessProfile, asset_id: str, **changes: object) -> BusinessProfile:
    """`profile` with its boat `asset_id` changed, validated as a profile read from a file is."""
    data = profile.model_dump(mode="json")
    for asset in data["assets"]:
        if asset["id"] == asset_id:
            asset.update(changes)
    return BusinessProfile.model_validate(data)


def test_a_boat_naming_a_role_twice_is_refused_and_nothing_is_saved(app: App) -> None:
    """A review: two "captain" slots were saved; a trip on the boat then had two slots of one name, and a
    claim of "captain" (crew's pages and the API take a role by its name) filled both with one person."""
    profile = _with_boat(demo_profile(), "sea-lark", roles=["captain", "captain", "crew_1"])
    with pytest.raises(InvalidInput) as refused:
        save_business(app.store, profile)
    message = refused.value.message
    assert "'sea-lark'" in message and "'captain' twice" in message and "crew_1, crew_2" in message
    assert load_business(app.store, "demo") is None


def test_a_boat_naming_a_checklist_item_twice_is_refused_and_the_saved_profile_stays(demo_app: App) -> None:
    before = load_business(demo_app.store, "demo")
    assert before is not None
    tern = before.asset("morning-tern")
    assert isinstance(tern, Asset)
    again = ChecklistTemplateItem(key="fuel", phase="return", label="Fuel topped up for the next trip")
    profile = _with_boat(
        before, "morning-tern", checklist=[i.model_dump() for i in (*tern.checklist, again)], name="Morning Tern II"
    )
    with pytest.raises(InvalidInput) as refused:
        save_business(demo_app.store, profile)
    assert "'morning-tern'" in refused.value.message and "checklist item 'fuel' twice" in refused.value.message
    assert load_business(demo_app.store, "demo") == before  # its new name not saved either


def test_two_deckhands_are_two_roles_of_their_own_names(app: App) -> None:
    profile = _with_boat(demo_profile(), "sea-lark", roles=["captain", "crew_1", "crew_2"])
    assert save_business(app.store, profile).created > 0
    saved = load_business(app.store, "demo")
    assert saved is not None and saved.asset("sea-lark") is not None
    assert saved.asset("sea-lark").roles == ("captain", "crew_1", "crew_2")  # type: ignore[union-attr]


def test_a_role_crew_could_not_claim_is_refused_and_nothing_is_saved(app: App) -> None:
    """A role is claimed by its name in a link (`/roles/crew_1/claim`): "Deck hand" was saved, offered on
    every trip of the boat, and nobody could take it (the route refused its name)."""
    profile = _with_boat(demo_profile(), "sea-lark", roles=["captain", "Deck hand"])
    with pytest.raises(InvalidInput) as refused:
        save_business(app.store, profile)
    assert "'Deck hand', which crew could not claim" in refused.value.message
    assert load_business(app.store, "demo") is None
