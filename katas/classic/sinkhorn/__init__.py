from .kata import *
