"""Record linkage: features -> blocking -> comparisons -> scoring -> clustering (:func:`.link.link`)."""
