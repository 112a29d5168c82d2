from typing import Any

FileField: Any
FileAllowed: Any
FileRequired: Any
