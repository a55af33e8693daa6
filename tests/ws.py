"""Reading frames in WebSocket tests, past the presence frames teammates' sockets cause.

Every connection announces its person to the team asynchronously (collab/presence.py), so a
test socket may receive a `presence` frame at any moment; these helpers pass over them.
"""

from __future__ import annotations


async def next_frame(socket, frame_type: str, timeout: float = 5) -> dict:
    """Return the next frame of `frame_type`, passing over presence frames."""
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame
        assert frame["type"] == "presence", frame


async def frames_of(socket, kinds: set[str], timeout: float = 3) -> dict[str, dict]:
    """Receive until one frame of each kind in `kinds` arrived; return them by kind."""
    seen: dict[str, dict] = {}
    while not kinds <= seen.keys():
        frame = await socket.receive_json_from(timeout=timeout)
        assert frame["type"] in kinds | {"presence"}, frame
        seen.setdefault(frame["type"], frame)
    return {kind: seen[kind] for kind in kinds}


async def receives_nothing_but_presence(socket, timeout: float) -> bool:
    """Return True when nothing but presence frames arrives within `timeout`."""
    # receive_nothing, unlike a receive that times out, leaves the application running.
    while not await socket.receive_nothing(timeout=timeout):
        frame = await socket.receive_json_from()
        assert frame["type"] == "presence", frame
    return True
