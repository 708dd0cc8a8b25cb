"""SHACL validation: the pySHACL wrapper and the conformance screen in front of it."""
