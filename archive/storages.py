"""Django's storage for uploads and kept files in S3-compatible object storage, from the
settings' values. botocore is imported only here, when a bucket is set: at 0.17 s, every
process of a site on local disk would otherwise pay it at start."""


def object_storage(*, bucket: str, endpoint_url: str | None, region: str | None, prefix: str):
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": region,
            "location": prefix,
            "default_acl": None,  # private: files are served through the archive
            "file_overwrite": False,  # a kept file is never replaced (editions.services)
            # Every request to the storage is bounded.
            "client_config": Config(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}
            ),
        },
    }
