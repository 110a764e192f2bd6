import os
import os.path as osp
import xml.etree.ElementTree as ET
from os import path, sep as separator
from collections import *
print(os.getcwd(), osp.basename("a/b"), path.sep, separator)
