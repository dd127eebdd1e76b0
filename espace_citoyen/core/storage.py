"""Storage for families' documents: files on disk (or any Django storage) without a
public URL. They are served only by views that check who is asking."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")
