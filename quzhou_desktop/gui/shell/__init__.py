"""The application shell: first-run wizard, login, the main window with its sections and the 工作台, splash
screen and the window flow."""
