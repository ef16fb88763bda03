"""chat_file requests: the Files folder."""

from __future__ import annotations

from .dsl import chat, env, header
from .messages_requests import MESSAGE_KEYS

FIXTURE = "fixtures/hello.png"  # relative to postman/ (newman --working-dir postman)
FILE_KEYS = (
    "id",
    "originalName",
    "mimeType",
    "size",
    "kind",
    "sha256",
    "url",
    "thumbnailUrl",
    "thumbnails",
    "uploadedBy",
    "conversationId",
    "createdAt",
)


FILES_FOLDER = [
    chat(
        "POST /files/upload — an image into the private conversation",
        "POST",
        "/files/upload",
        status=201,
        form=(("conversationId", "text", "{{conversationId}}"), ("file", "file", FIXTURE)),
        keys=FILE_KEYS,
        checks=(
            (
                "type from content",
                "pm.expect(data.mimeType).to.equal('image/png'); "
                "pm.expect(data.kind).to.equal('image');",
            ),
            ("uploaded by user 1", f"pm.expect(data.uploadedBy).to.equal({env('userId')});"),
            (
                "thumbnails listed",
                "pm.expect(data.thumbnails).to.include.all.keys('small', 'medium', 'large');",
            ),
        ),
        save=(("fileId", "data.id"), ("fileSize", "String(data.size)")),
        description="Multipart: conversationId must come before the file part.",
    ),
    chat(
        "POST /files/upload — no file part (400 FILE_REQUIRED)",
        "POST",
        "/files/upload",
        status=400,
        form=(("conversationId", "text", "{{conversationId}}"),),
        error="FILE_REQUIRED",
    ),
    chat(
        "POST /messages — an IMAGE message carrying the file",
        "POST",
        "/messages",
        status=201,
        body={
            "conversationId": "{{conversationId}}",
            "type": "IMAGE",
            "fileId": "{{fileId}}",
            "content": "Photo",
        },
        keys=(*MESSAGE_KEYS, "file", "fileId"),
        checks=(
            (
                "file attached",
                f"pm.expect(data.fileId).to.equal({env('fileId')}); "
                "pm.expect(data.file).to.be.an('object');",
            ),
        ),
    ),
    chat(
        "GET /files/:id — metadata (participant)",
        "GET",
        "/files/{{fileId}}",
        token="user2Token",
        keys=FILE_KEYS,
        checks=(("that file", f"pm.expect(data.id).to.equal({env('fileId')});"),),
    ),
    chat(
        "GET /files/:id — not a participant (404 FILE_NOT_FOUND)",
        "GET",
        "/files/{{fileId}}",
        token="user3Token",
        status=404,
        error="FILE_NOT_FOUND",
    ),
    chat(
        "GET /files/:id/download",
        "GET",
        "/files/{{fileId}}/download",
        token="user2Token",
        raw=True,
        checks=(
            header("Content-Type", "image/png"),
            header("Content-Disposition", "hello.png"),
            (
                "whole file",
                f"pm.expect(pm.response.headers.get('Content-Length')).to.equal({env('fileSize')});",
            ),
        ),
    ),
    chat(
        "GET /files/:id/download — Range (206)",
        "GET",
        "/files/{{fileId}}/download",
        token="user2Token",
        status=206,
        headers=(("Range", "bytes=0-7"),),
        raw=True,
        checks=(
            (
                "Content-Range",
                "pm.expect(pm.response.headers.get("
                f"'Content-Range')).to.equal('bytes 0-7/' + {env('fileSize')});",
            ),
            ("eight bytes", "pm.expect(pm.response.headers.get('Content-Length')).to.equal('8');"),
        ),
    ),
    chat(
        "GET /files/:id/thumbnail?size=small",
        "GET",
        "/files/{{fileId}}/thumbnail",
        token="user2Token",
        query=(("size", "small"),),
        raw=True,
        checks=(header("Content-Type", "image/webp"),),
    ),
    chat(
        "GET /files/:id/thumbnail — unknown size (400 INVALID_THUMBNAIL_SIZE)",
        "GET",
        "/files/{{fileId}}/thumbnail",
        query=(("size", "huge"),),
        status=400,
        error="INVALID_THUMBNAIL_SIZE",
    ),
    chat(
        "GET /files — the caller's own files, newest first",
        "GET",
        "/files",
        query=(("limit", "5"),),
        keys=("files", "count", "nextCursor", "hasMore"),
        checks=(
            (
                "lists user 1's upload",
                f"pm.expect(data.files.map(f => f.id)).to.include({env('fileId')}); "
                f"data.files.forEach(f => pm.expect(f.uploadedBy).to.equal({env('userId')}));",
            ),
        ),
    ),
    chat(
        "GET /files/conversation/:conversationId",
        "GET",
        "/files/conversation/{{conversationId}}",
        token="user2Token",
        keys=("files", "count"),
        checks=(
            (
                "lists the upload",
                f"pm.expect(data.files.map(f => f.id)).to.include({env('fileId')});",
            ),
        ),
    ),
    chat(
        "DELETE /files/:id — not the uploader (403 FILE_DELETE_FORBIDDEN)",
        "DELETE",
        "/files/{{fileId}}",
        token="user2Token",
        status=403,
        error="FILE_DELETE_FORBIDDEN",
    ),
    chat(
        "DELETE /files/:id — the uploader",
        "DELETE",
        "/files/{{fileId}}",
        keys=("id", "deleted"),
        checks=(("deleted", "pm.expect(data.deleted).to.equal(true);"),),
    ),
    chat(
        "GET /files/:id — deleted (404 FILE_NOT_FOUND)",
        "GET",
        "/files/{{fileId}}",
        status=404,
        error="FILE_NOT_FOUND",
    ),
]
