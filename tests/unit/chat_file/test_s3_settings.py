"""FILE_STORAGE=s3 settings: read from the environment, keys never printed, bucket required."""

from __future__ import annotations

import pytest

from libs.servicekit.settings import SettingsError
from services.chat_file.settings import Settings

S3_ENV = {
    "APP_ENV": "test",
    "FILE_STORAGE": "s3",
    "S3_BUCKET": "ngomna-files",
    "S3_ENDPOINT_URL": "http://minio:9000",
    "S3_REGION": "eu-west-3",
    "S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "very-secret-key-value",
    "S3_PRESIGNED_DOWNLOADS": "true",
    "S3_PRESIGN_SECONDS": "45",
}


def test_s3_settings_are_read_and_the_keys_are_never_printed() -> None:
    settings = Settings.from_env(S3_ENV)
    s3 = settings.s3
    assert (settings.file_storage, s3.bucket, s3.endpoint_url) == (
        "s3",
        "ngomna-files",
        "http://minio:9000",
    )
    assert (s3.region, s3.presigned_downloads, s3.presign_seconds) == ("eu-west-3", True, 45)
    assert s3.secret_access_key == "very-secret-key-value"
    for text in (repr(settings), repr(s3)):
        assert "very-secret-key-value" not in text and "AKIDEXAMPLE" not in text


def test_defaults_leave_boto3_its_credential_chain_and_stream_downloads() -> None:
    s3 = Settings.from_env({"APP_ENV": "test", "FILE_STORAGE": "s3", "S3_BUCKET": "b"}).s3
    assert (s3.endpoint_url, s3.access_key_id, s3.secret_access_key) == ("", "", "")
    assert (s3.region, s3.presigned_downloads, s3.presign_seconds) == ("us-east-1", False, 60)


@pytest.mark.parametrize(
    "env",
    [
        {"APP_ENV": "test", "FILE_STORAGE": "s3"},
        {**S3_ENV, "S3_PRESIGNED_DOWNLOADS": "maybe"},
        {**S3_ENV, "S3_PRESIGN_SECONDS": "soon"},
        {"APP_ENV": "test", "FILE_STORAGE": "minio"},
    ],
)
def test_incomplete_s3_environments_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(env)
