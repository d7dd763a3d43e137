"""Trainers download the same packs the CLI exports; learners cannot."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from player.store.models import User
from player.web import db
from tests.conftest import sign_up


def _make_trainer(app: Flask, client: FlaskClient) -> None:
    sign_up(client, email="trainer@example.org")
    with app.app_context(), db.writing() as write:
        write.get(User, 1).role = "trainer"


def test_a_trainer_downloads_a_block_pack(app: Flask, client: FlaskClient) -> None:
    _make_trainer(app, client)
    preview = client.get("/preview/sample/every-construct/").get_data(as_text=True)
    assert "/preview/sample/pack.pdf?block=every-construct" in preview
    response = client.get("/preview/sample/pack.pdf?block=every-construct&participant=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and "participant" in response.headers["Content-Disposition"]


def test_an_unknown_block_is_explained_not_crashed(app: Flask, client: FlaskClient) -> None:
    _make_trainer(app, client)
    response = client.get("/preview/sample/pack.pdf?block=nope")
    assert response.status_code == 409 and b"has no block 'nope'" in response.data


def test_learners_cannot_download_packs(client: FlaskClient) -> None:
    sign_up(client)
    assert client.get("/preview/sample/pack.pdf").status_code == 403


def test_a_trainer_downloads_a_scorm_package_of_a_block(app: Flask, client: FlaskClient) -> None:
    import io
    import zipfile

    _make_trainer(app, client)
    preview = client.get("/preview/sample/every-construct/").get_data(as_text=True)
    assert "/preview/sample/scorm.zip?block=every-construct" in preview
    response = client.get("/preview/sample/scorm.zip?block=every-construct&version=2004")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert {"imsmanifest.xml", "index.html", "data.js", "runtime.js"} <= set(names)
    assert b"2004 4th Edition" in zipfile.ZipFile(io.BytesIO(response.data)).read("imsmanifest.xml")
    assert "every-construct" in response.headers["Content-Disposition"]
    assert client.get("/preview/sample/scorm.zip?version=3").status_code == 404


def test_a_trainer_downloads_a_cmi5_package_of_a_block_or_the_course(app: Flask, client: FlaskClient) -> None:
    import io
    import zipfile

    _make_trainer(app, client)
    preview = client.get("/preview/core-blocks/b-impact-on-children/").get_data(as_text=True)
    assert "/preview/core-blocks/cmi5.zip?block=b-impact-on-children" in preview
    response = client.get("/preview/core-blocks/cmi5.zip?block=b-impact-on-children")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    package = zipfile.ZipFile(io.BytesIO(response.data))
    assert {"cmi5.xml", "b-impact-on-children/index.html", "b-impact-on-children/data.js"} <= set(package.namelist())
    assert package.read("cmi5.xml").count(b"<au ") == 1
    assert "b-impact-on-children" in response.headers["Content-Disposition"]
    whole = client.get("/preview/core-blocks/cmi5.zip")
    assert zipfile.ZipFile(io.BytesIO(whole.data)).read("cmi5.xml").count(b"<au ") == 4
    assert client.get("/preview/core-blocks/cmi5.zip?block=nope").status_code == 409
    assert client.get("/preview/no-such-course/cmi5.zip").status_code == 404


def test_learners_cannot_download_scorm_packages(client: FlaskClient) -> None:
    sign_up(client)
    assert client.get("/preview/sample/scorm.zip").status_code == 403
    assert client.get("/preview/sample/cmi5.zip").status_code == 403
