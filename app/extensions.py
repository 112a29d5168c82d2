"""Extensions, made unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flask
import flask_talisman
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so constraint names are stable in migrations."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# The models' base class. Flask-SQLAlchemy makes ``db.Model`` at run time (a subclass of Base
# with the session's query property), so a type checker sees Base instead.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class Talisman(flask_talisman.Talisman):  # type: ignore[misc]  # untyped
    """Flask-Talisman, with each policy header built once instead of on every response.

    Talisman rebuilds the Content-Security-Policy from its dict on every response (a few dozen
    lookups of the request proxy): a few per cent of a one-tap floor sync. Without a nonce the
    result depends only on the policy object, so it is kept per policy (the app's policies are
    module constants, never changed in place); with a nonce (none is configured) it is built
    each time as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._built: dict[int, tuple[object, str]] = {}
        super().__init__(*args, **kwargs)

    def _parse_policy(self, policy: object) -> str:
        if hasattr(flask.request, "csp_nonce"):
            return str(super()._parse_policy(policy))
        built = self._built.get(id(policy))
        if built is None or built[0] is not policy:  # an id may be reused by a new object
            built = (policy, str(super()._parse_policy(policy)))
            self._built[id(policy)] = built
        return built[1]


talisman = Talisman()
# Limits are declared per view (login); nothing is limited by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
