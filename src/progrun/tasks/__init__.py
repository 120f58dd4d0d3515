"""Work on a task queue (Dramatiq on Redis) when a broker is configured: uploads and re-analysis.

```
broker = connect("redis://127.0.0.1:6379")      # tasks.broker: Dramatiq's RedisBroker, our retry policy
actors = declare(broker)                        # tasks.actors: analyse_upload, reanalyse_batch, dead letter
actors.analyse_upload.send(upload_id)           # the web app; `progrun worker` runs them (tasks.worker)
```

Without a broker nothing here is imported: the embedded default analyses uploads in the server's pool.
"""
