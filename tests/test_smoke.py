from knee_desktop.cli.main import main


def test_version(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "knee-desktop" in capsys.readouterr().out
