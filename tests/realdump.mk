# realdump tests
