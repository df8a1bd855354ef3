## -*- coding: utf-8 -*-
<%doc>
    A hand-written template in the forms this tool renders: every line below is checked
    against Mako by compat/template-oracle.
</%doc>
<%!
import re
%>
<%
    kind = "merge" if down_revision and not branch_labels else "revision"
%>
"""${message | trim}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Unfiltered: ${down_revision | comma}
Create Date: ${create_date}
Kind: ${kind} ${context.get("kind", "none")} ${context.get("up_revision")}
Shouting: ${message.upper()} (${len(message)} characters)
Databases: ${", ".join(re.split(r',\s*', config.get_main_option("databases")))}
%% a literal percent line, %%(this)s too
  %%%% two
Missing: ${config.get_main_option("no_such_option", "fallback")} ${config.get_main_option("no_such_option")}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
% if branch_labels:
branch_labels = ${repr(branch_labels)}
% else:
branch_labels = None
% endif
depends_on = ${repr(depends_on)}
% if depends_on is None:
# no dependencies
% elif "a1" in depends_on:
# depends on a1 and ${len(depends_on)} in all
% else:
# depends on ${depends_on | comma,n}
% endif
% for label in (branch_labels or ()):
# label ${label} of ${"%s/%s" % (up_revision, label)}
% endfor
% if not upgrades and message != "merge heads":
# hand-written, \
continued
% endif


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades or "pass"}
