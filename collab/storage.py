"""Static file storage: compressed, hashed names, forgiving before `collectstatic`."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Serve hashed, compressed files; fall back to plain names when no manifest exists yet."""

    # Development and tests render pages before `collectstatic` has written a manifest.
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            # No manifest and no collected copy (tests, a fresh checkout): use the plain name.
            return name

    # Rewrite `import … from "./socket.js"` to hashed names, so every module of a page shares
    # one instance of socket.js (and so one WebSocket).
    support_js_module_import_aggregation = True
