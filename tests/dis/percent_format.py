x=1
y="%s-%r" % (x, x)
z="a%%b%5s|%-3s|%.2a" % (x, x, x)
