"""TensorFlow's logical devices, fixed before any page runs.

TensorFlow fixes its devices when its runtime starts (at the first operation), and every
page of a build runs in one process. A page that splits the CPU into logical devices
(the distributed-training tutorial trains on two) could therefore only do so if it ran
first. The plugin makes the split when the build starts instead, with the option
`logical_cpus`, so the page's own call, asking for the same split, changes nothing and
succeeds; a page asking for another split fails the build with TensorFlow's RuntimeError.
The other pages place their operations on the first device, as before.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError


def split_cpu(count: int) -> None:
    """Make the CPU `count` logical devices, unless TensorFlow already has exactly those."""
    if count == 1:
        return
    import tensorflow as tf  # deferred: only a build that asks pays for the import here

    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError as error:  # the runtime started before the build did
        raise PluginError(
            f"dlguide-exec: logical_cpus={count} must be set before TensorFlow runs "
            f"anything in this process: {error}"
        ) from error
