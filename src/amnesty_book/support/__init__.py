"""What every stage uses and none owns: problems and how they are told, the cache of derived
files and digests, the worker pools, the exit codes. It imports nothing of the builder's."""
