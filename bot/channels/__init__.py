"""The coach's input channels: Rasa's REST and Socket.IO channels behind one guard (guard.py),
and the download of export files (exports.py). ``credentials.yml`` names them."""
