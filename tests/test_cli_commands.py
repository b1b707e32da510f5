"""The forum-mgmt command's groups (one module each in forum_mgmt/cli/), as --help shows them."""

import pytest

from forum_mgmt.cli import main


def test_help_lists_every_command_in_the_documented_order(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert (
        "{serve,migrate,demo,user,token,badges,fonts,export,import,mail,privacy,collectstatic}"
        in capsys.readouterr().out
    )


def test_a_group_without_its_action_is_refused(capsys):
    with pytest.raises(SystemExit) as done:
        main(["mail"])
    assert done.value.code == 2
    assert "the following arguments are required: action" in capsys.readouterr().err
