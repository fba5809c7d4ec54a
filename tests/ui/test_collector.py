"""Python's cyclic garbage collector runs on the GUI thread only, between events."""
import gc
import threading
import weakref

from landscape_app.ui.collector import collect_due


class Node:
    pass


def test_garbage_made_anywhere_is_collected_on_the_gui_thread(window, qtbot):
    """A worker allocating 100,000 objects would have run the collection itself (and destroyed
    whatever Qt objects the garbage held, off the GUI thread)."""
    assert not gc.isenabled()
    where = []
    node = Node()
    node.me = node  # a cycle: only the collector frees it
    weakref.finalize(node, lambda: where.append(threading.current_thread() is threading.main_thread()))
    del node
    kept = []
    worker = threading.Thread(target=lambda: kept.extend([k] for k in range(100_000)))
    worker.start()
    worker.join()
    assert where == [] and gc.get_count()[0] > gc.get_threshold()[0]
    qtbot.waitUntil(lambda: where == [True], timeout=2000)


def test_what_is_due_is_collected_and_no_more():
    automatic = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        node = Node()
        node.me = node
        freed = []
        weakref.finalize(node, lambda: freed.append(True))
        del node
        collect_due()  # a handful of objects since the last collection: nothing is due
        assert freed == []
        kept = [[k] for k in range(gc.get_threshold()[0] + 1)]
        collect_due()
        assert freed == [True] and kept
    finally:
        if automatic:
            gc.enable()
