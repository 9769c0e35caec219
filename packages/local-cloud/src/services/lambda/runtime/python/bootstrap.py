"""
The Python Lambda runtime inside one execution environment: a python3 process the
local cloud starts with the function's environment and nothing of the host's.

It speaks the same frames as the Node.js bootstrap (worker/channel.mjs), over the
socket pair on fd 3: the pool cannot tell a Python environment from a Node.js one, so
pooling, pipelining, timeouts, crashes and logs work the same for both. The first
frame configures it; the module is imported once (the init phase: on the first
invocation, or ahead of it when the pool pre-warms); then invocations run one at a
time, in the order they arrive, warm.

What the function sees follows AWS's Python runtime: `module.function(event, context)`
with `path/to/module.function` as the handler, the context object's fields and
`get_remaining_time_in_millis()`, `print()` lines and the root logger in the log,
errors answered as `errorMessage` / `errorType` / `requestId` / `stackTrace`, the
runtime's own failures as `Runtime.ImportModuleError`, `Runtime.HandlerNotFound`, ...

Standard library only: it runs on whatever python3 the machine has, with nothing installed.
"""

import decimal
import importlib
import json
import logging
import os
import resource
import signal
import socket
import sys
import time
import traceback

CHANNEL = socket.socket(fileno=3)
FRAMES_IN = CHANNEL.makefile("rb")

config = {}
handler_fn = None
init_error = None
init_done = False
init_ms = None
invoked_once = False
current_request_id = None


def send(frame):
    """One frame to the pool; a closed channel means the local cloud is gone, and so is this."""
    try:
        CHANNEL.sendall(frame.encode("utf-8", "surrogatepass"))
    except OSError:
        os._exit(0)


def log_line(line):
    send("L%s\t%s\n" % (current_request_id or "", json.dumps(line, ensure_ascii=False)))


def rss_mb():
    # ru_maxrss is the peak resident set, in KiB on Linux.
    return -(-resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def out_of_memory():
    """Past the memory size: end as the sandbox's OOM killer would end it."""
    send("O%s\t%d\n" % (current_request_id or "", rss_mb()))
    os.kill(os.getpid(), signal.SIGKILL)


class LogStream:
    """sys.stdout / sys.stderr: each complete line is one log line of the running invocation."""

    def __init__(self, name):
        self.name = name
        self.pending = ""
        self.encoding = "utf-8"
        self.errors = "strict"

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        written = len(text)
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        for line in lines:
            log_line(line)
        return written

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if self.pending:
            line, self.pending = self.pending, ""
            log_line(line)

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    def fileno(self):
        raise OSError("the Lambda log stream has no file descriptor")


class LambdaLogHandler(logging.Handler):
    """The root logger's handler: each record is one log line of its own, whatever print() left unfinished."""

    def emit(self, record):
        record.aws_request_id = current_request_id or ""
        try:
            log_line(self.format(record))
        except Exception:
            self.handleError(record)


def install_logging():
    sys.stdout = LogStream("<stdout>")
    sys.stderr = LogStream("<stderr>")
    # AWS's runtime puts one handler on the root logger with this format; the root level
    # stays logging's default (WARNING), so logger.info shows only after setLevel.
    handler = LambdaLogHandler()
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logging.getLogger().addHandler(handler)


class CognitoIdentity:
    def __init__(self, identity):
        identity = identity or {}
        self.cognito_identity_id = identity.get("cognitoIdentityId")
        self.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")


class Client:
    def __init__(self, client):
        client = client or {}
        self.installation_id = client.get("installation_id")
        self.app_title = client.get("app_title")
        self.app_version_name = client.get("app_version_name")
        self.app_version_code = client.get("app_version_code")
        self.app_package_name = client.get("app_package_name")


class ClientContext:
    def __init__(self, context):
        self.client = Client(context.get("client")) if context.get("client") else None
        self.custom = context.get("custom")
        self.env = context.get("env")


class LambdaContext:
    """The `context` argument, with the fields and method of AWS's Python runtime."""

    def __init__(self, request_id, deadline_ms, invoked_function_arn, client_context):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = config.get("functionName")
        self.function_version = config.get("functionVersion")
        self.memory_limit_in_mb = str(config.get("memoryMb"))
        self.log_group_name = config.get("logGroupName")
        self.log_stream_name = config.get("logStreamName")
        self.identity = CognitoIdentity((client_context or {}).get("identity") if isinstance(client_context, dict) else None)
        self.client_context = ClientContext(client_context) if isinstance(client_context, dict) else None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))

    def __repr__(self):
        return "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s])" % (
            self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
            self.memory_limit_in_mb, self.function_version, self.invoked_function_arn)


def runtime_error(error_type, message):
    return {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": []}


def user_error(err, skip_frames=0):
    """AWS's error document for an exception the function raised, without this file's frames."""
    tb = err.__traceback__
    for _ in range(skip_frames):
        if tb is not None:
            tb = tb.tb_next
    # The import machinery's own frames say nothing about the function's code.
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith("<frozen importlib")]
    stack = traceback.format_list(frames)
    return {"errorMessage": str(err), "errorType": type(err).__name__, "requestId": "", "stackTrace": stack}


def module_target():
    """(module name, function name, what to call the module in messages) for the configured handler."""
    file = config.get("file")
    if file:
        rel = os.path.relpath(file, config["taskRoot"])
        base, _ = os.path.splitext(rel)
        return base.replace(os.sep, "."), config.get("exportName") or "handler", base
    handler = config.get("handler") or ""
    try:
        module_path, function_name = handler.rsplit(".", 1)
    except ValueError as err:
        raise HandlerError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, err))
    return module_path.replace("/", "."), function_name, module_path


class HandlerError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def initialize():
    """Imports the handler's module once; failures become the runtime's init error."""
    global handler_fn, init_error
    root = config["taskRoot"]
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        module_name, function_name, shown = module_target()
        try:
            module = importlib.import_module(module_name)
        except ImportError as err:
            raise HandlerError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (shown, err))
        except SyntaxError as err:
            raise HandlerError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (shown, err))
        fn = getattr(module, function_name, None)
        if fn is None:
            raise HandlerError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, shown))
        handler_fn = fn
    except HandlerError as err:
        init_error = runtime_error(err.error_type, str(err))
    except MemoryError:
        out_of_memory()
    except Exception as err:  # the module raised while it loaded
        init_error = user_error(err, 1)
    if init_error is not None:
        log_line("[ERROR] %s: %s" % (init_error["errorType"], init_error["errorMessage"]))


def ensure_initialized():
    global init_done, init_ms
    if init_done:
        return
    started = time.perf_counter()
    initialize()
    init_ms = (time.perf_counter() - started) * 1000
    init_done = True
    send("D\n")


def json_default(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def flush_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def run_invocation(frame):
    global current_request_id, invoked_once
    request_id, timeout_ms, invoked_arn, client_context, payload = frame[1:].split("\t", 4)
    current_request_id = request_id
    # "Init Duration" belongs to the invocation that waited for the init phase, as on AWS.
    waited_for_init = not invoked_once and not init_done
    invoked_once = True
    ensure_initialized()
    init_field = "%.3f" % init_ms if waited_for_init else ""
    deadline_ms = time.time() * 1000 + int(timeout_ms)
    if init_error is not None:
        error = dict(init_error, requestId=request_id)
        send("E%s\t0\t%s\t%d\t1\t%s\n" % (request_id, init_field, rss_mb(), json.dumps(error)))
        return
    context = LambdaContext(request_id, deadline_ms, invoked_arn, json.loads(client_context) if client_context else None)
    started = time.perf_counter()
    error = None
    try:
        result = handler_fn(json.loads(payload or "null"), context)
    except MemoryError:
        flush_streams()
        out_of_memory()
    except Exception as err:
        error = user_error(err, 1)
    handler_ms = (time.perf_counter() - started) * 1000
    flush_streams()
    if error is None:
        try:
            text = json.dumps(result, default=json_default)
        except (TypeError, ValueError) as err:
            error = runtime_error("Runtime.MarshalError", "Unable to marshal response: %s" % err)
    rss = rss_mb()
    if rss > int(config.get("memoryMb") or 0) > 0:
        # Past the memory size: the invocation fails as AWS fails it, Runtime.OutOfMemory.
        out_of_memory()
    if error is not None:
        error["requestId"] = request_id
        lines = "".join(error["stackTrace"])
        trace = "\nTraceback (most recent call last):\n" + lines if lines else ""
        log_line("[ERROR] %s: %s%s" % (error["errorType"], error["errorMessage"], trace.rstrip("\n")))
        send("E%s\t%.3f\t%s\t%d\t0\t%s\n" % (request_id, handler_ms, init_field, rss, json.dumps(error)))
    else:
        send("R%s\t%.3f\t%s\t%d\t%s\n" % (request_id, handler_ms, init_field, rss, text))


def main():
    global config
    install_logging()
    while True:
        raw = FRAMES_IN.readline()
        if not raw:
            os._exit(0)  # the local cloud closed this environment
        frame = raw.decode("utf-8", "surrogatepass").rstrip("\n")
        kind = frame[:1]
        if kind == "V":
            run_invocation(frame)
        elif kind == "C":
            config = json.loads(frame[1:])
            if config.get("file"):
                # sst dev runs the source in place: no __pycache__ beside the developer's files.
                sys.dont_write_bytecode = True
        elif kind == "N":
            message = json.loads(frame[1:])
            if not init_done and isinstance(message.get("file"), str):
                config["file"] = message["file"]
                config["exportName"] = message.get("exportName")
            ensure_initialized()
        # "P" (preload the AWS SDK's modules ahead of the code) is Node.js's: nothing to do here.


main()
