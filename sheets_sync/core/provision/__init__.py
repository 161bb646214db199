"""What ``init`` does: the guide's templates as data and the plan per template tab."""
