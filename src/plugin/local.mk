# plugin layer
