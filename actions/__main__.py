"""`python -m actions --port 5055`: the Rasa action server, on loopback unless SANIC_HOST says.

One process (Sanic's single-process mode): rasa-sdk's own `run` starts a Sanic manager that
spawns a worker holding the port; when the manager is killed the worker lives on with the
port, and the action server restarted by supervisord could never bind it again."""

import logging
import os
import sys
import threading

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app_for_serve, create_argument_parser
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

from assistant.conversation.understanding import Reader
from symbols.catalogue import load_catalogue


def warm_up() -> None:
    """Build the concept matcher's word lists now, not on a pupil's first typed answer."""
    Reader(load_catalogue()).matcher.match_text("warming up")


def main(argv: list[str]) -> None:
    args = create_argument_parser().parse_args(["--actions", "actions", *argv])
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions)
    app = create_app_for_serve(executor, cors_origins=args.cors, endpoints=args.endpoints)
    app.prepare(host=os.environ.get("SANIC_HOST", "127.0.0.1"), port=args.port, single_process=True, motd=False)
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    Sanic.serve_single(primary=app)


if __name__ == "__main__":
    main(sys.argv[1:])
