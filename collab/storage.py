"""Static file storage: compressed, hashed names, forgiving before `collectstatic`."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Serve hashed, compressed files; fall back to plain names when no manifest exists yet."""

    # Development and tests render pages before `collectstatic` has written a manifest.
    manifest_strict = False
