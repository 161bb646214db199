"""The application: the use cases the commands call (sync, forget, export, schedule) and how tabs become typed rows and back."""
