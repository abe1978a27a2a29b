# debuginfo tests
