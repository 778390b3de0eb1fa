"""The window and its dialogs: thin views over the runtime's session driver."""
