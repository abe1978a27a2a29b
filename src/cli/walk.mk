# cli: list, tree (walkers of list_head, hlist, rbtree, maple tree, xarray)
src_libvmsift_a_SOURCES += src/cli/cmd_walk.c
