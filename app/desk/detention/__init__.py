"""The detention class (nablijfklas) and the reflection talks."""
