"""The outbox: queue a message inside the caller's transaction, deliver after the commit.

A message is a row before it is anything else, so a mail server that is down loses
nothing and blocks nobody: the row waits, and a later run (the worker woken after each
request that queued mail, its minute timer, or `forum-mgmt mail send`) delivers it.

One module per step: `outbox` writes and works through the rows, `rendering` turns a row
into a message, `delivery` hands it to SMTP (or the development folder), `worker` runs
the deliveries of this process.
"""

from forum_mgmt.mail.services.delivery import deliver, outbox_folder
from forum_mgmt.mail.services.forgetting import forget, forget_forum
from forum_mgmt.mail.services.outbox import (
    BATCH,
    MAX_ATTEMPTS,
    STALE,
    backoff,
    enqueue,
    outbox_row,
    produce_due,
    register_producer,
    send_all,
    send_due,
)
from forum_mgmt.mail.services.rendering import (
    InlineImage,
    compose,
    ics,
    inline_images,
    register_inline_image,
    render,
    subject,
)
from forum_mgmt.mail.services.rendering import (
    _inline_images as _inline_images,  # the registry's name that rendering reads (and tests swap)
)
from forum_mgmt.mail.services.worker import MAX_DELAY, QUIET, kick, start_worker, stop_worker

__all__ = [
    "BATCH",
    "MAX_ATTEMPTS",
    "MAX_DELAY",
    "QUIET",
    "STALE",
    "InlineImage",
    "backoff",
    "compose",
    "deliver",
    "enqueue",
    "forget",
    "forget_forum",
    "ics",
    "inline_images",
    "kick",
    "outbox_folder",
    "outbox_row",
    "produce_due",
    "register_inline_image",
    "register_producer",
    "render",
    "send_all",
    "send_due",
    "start_worker",
    "stop_worker",
    "subject",
]
