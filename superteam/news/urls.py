"""Addresses of the news portal, all under a language prefix (/id/..., /en/...)."""

from django.urls import path

from superteam.news import editor_views, feeds, views

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.archive, name="archive"),
    path("news/<slug:slug>/", views.article, name="article"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("cluster/<slug:code>/", views.cluster, name="cluster"),
    path("kecamatan/<slug:code>/", views.kecamatan, name="kecamatan"),
    path("search/", views.search, name="search"),
    path("innovations/", views.showcase, name="showcase"),
    path("innovations/<int:pk>/", views.innovation, name="innovation"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("feed/", feeds.feed, name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/check-your-inbox/", views.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscription/<str:key>/", views.manage, name="manage"),
    path("unsubscribe/<str:key>/", views.unsubscribe, name="unsubscribe"),
    # The editors' area
    path("editor/", editor_views.dashboard, name="editor"),
    path("editor/new/", editor_views.article_new, name="article_new"),
    path("editor/start/", editor_views.start_from, name="start_from"),
    path("editor/<int:pk>/", editor_views.article_edit, name="article_edit"),
    path(
        "editor/<int:pk>/preview/<str:language>/",
        editor_views.article_preview,
        name="article_preview",
    ),
    path("editor/<int:pk>/action/", editor_views.article_action, name="article_action"),
    path("editor/subscribers/", editor_views.subscribers, name="subscribers"),
    path("editor/send-log/", editor_views.send_log, name="send_log"),
]
