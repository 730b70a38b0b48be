"""python-socketio against a server with connection-state recovery on: handlers written the natural way
(one parameter per documented argument) must receive exactly the emitted arguments, with no recovery offset
appended. Run by Concord.SocketIO.Tests with SOCKETIO_URL set; exits non-zero on failure."""
import os
import sys
import threading
import uuid

import socketio

URL = os.environ["SOCKETIO_URL"]
room = "py-room-" + uuid.uuid4().hex
received = []
failures = []
got_both = threading.Event()

sio = socketio.Client(reconnection=False)


@sio.on("welcome")
def on_welcome(info):
    received.append(("welcome", info))


@sio.on("room-message")
def on_room_message(text):
    received.append(("room-message", text))
    if sum(1 for name, _ in received if name == "room-message") == 2:
        got_both.set()


def check(condition, message):
    if not condition:
        failures.append(message)


sio.connect(URL, transports=["websocket"], auth={"name": "python-" + uuid.uuid4().hex}, wait_timeout=10)
check(sio.call("join", room, timeout=10) is True, "join was not acknowledged")
check(sio.call("to-room", (room, "hello"), timeout=10) is True, "to-room was not acknowledged")
check(sio.call("to-room", (room, {"n": 2}), timeout=10) is True, "to-room was not acknowledged")
if not got_both.wait(10):
    failures.append("room messages did not arrive (a handler raising TypeError never records them): %r" % received)
sio.disconnect()

check(("room-message", "hello") in received, "first message: %r" % received)
check(("room-message", {"n": 2}) in received, "second message: %r" % received)
check(("welcome", {"recovered": False}) in received, "welcome: %r" % received)
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("python-socketio received exactly the emitted arguments:", received)
