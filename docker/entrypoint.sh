#!/bin/sh
# Container start: bring the database to the latest schema, then serve the configurator.
# Arguments, when given, run instead (`docker run IMAGE python -m webapp sandbox ...`).
# PYTHON picks the interpreter, so the tests can run this script outside the image.
set -eu

python="${PYTHON:-python}"

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# Settings would only say "No such file" from deep inside Python; say what to fix instead.
if [ -n "${WEBAPP_SECRET_KEY_FILE:-}" ]; then
    if [ ! -f "$WEBAPP_SECRET_KEY_FILE" ]; then
        echo "entrypoint: WEBAPP_SECRET_KEY_FILE is $WEBAPP_SECRET_KEY_FILE, but no such file" \
            "exists; mount the secret there or unset WEBAPP_SECRET_KEY_FILE" >&2
        exit 1
    fi
    if [ ! -r "$WEBAPP_SECRET_KEY_FILE" ]; then
        echo "entrypoint: WEBAPP_SECRET_KEY_FILE $WEBAPP_SECRET_KEY_FILE is not readable by" \
            "uid $(id -u); make it readable by that user" >&2
        exit 1
    fi
fi

"$python" -m webapp migrate
exec "$python" -m webapp serve --host "${WEBAPP_HOST:-0.0.0.0}" --port "${WEBAPP_PORT:-8000}"
