# python-socketio for the interop scenarios in tests/interop/python (run with /usr/bin/python3, the Debian
# interpreter those packages belong to); its client needs python3-websocket for the WebSocket transport.
apt_packages+=(python3-socketio python3-websocket)
apt_probe+=(/usr/lib/python3/dist-packages/socketio /usr/lib/python3/dist-packages/websocket)
