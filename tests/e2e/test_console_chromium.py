"""The web console in headless Chromium: two browsers log in and exchange a message live."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.legs import require_command
from tests.support.servers import ServiceProcess, free_port

pytestmark = pytest.mark.e2e

PASSWORD = "Ngomna2026!"
FIXTURE = Path(__file__).resolve().parents[2] / "postman" / "fixtures" / "hello.png"


@pytest.fixture(scope="module")
def chromium() -> tuple[str, str]:
    """Debian's chromium and its driver (skipped locally when missing, a failure under CI)."""
    return (
        require_command("chromium", "chromium", "chromium-browser"),
        require_command("chromedriver", "chromium-driver"),
    )


@pytest.fixture(scope="module")
def stack(redis_url: str) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    ns = f"test:{uuid.uuid4().hex[:8]}:"
    chat_port = free_port()
    auth = ServiceProcess(
        "auth_user",
        {
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": ns,
            "USER_CACHE_PREFIX": f"{ns}user:profile:",
            "SEED_DEMO_USERS": "true",
            "CORS_ALLOWED_ORIGINS": f"http://127.0.0.1:{chat_port}",
        },
    ).start()
    chat = ServiceProcess(
        "chat_file",
        {
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": ns,
            "USER_CACHE_PREFIX": f"{ns}user:profile:",
            "AUTH_USER_SERVICE_URL": auth.url,
            "AUTH_USER_PUBLIC_URL": auth.url,
        },
        port=chat_port,
    ).start()
    yield auth, chat
    chat.stop()
    auth.stop()


def browser(chromium: tuple[str, str]) -> webdriver.Chrome:
    binary, driver = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


def log_in(driver: webdriver.Chrome, url: str, matricule: str) -> WebDriverWait:
    wait = WebDriverWait(driver, 20)
    driver.get(url + "/")
    assert not driver.find_element(By.ID, "chat-view").is_displayed()  # nothing before login
    driver.find_element(By.ID, "matricule").send_keys(matricule)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "chat-view")))
    wait.until(ec.invisibility_of_element_located((By.ID, "login-view")))
    wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "en ligne"))
    return wait


def test_two_browsers_exchange_a_message_live(stack, chromium: tuple[str, str]) -> None:
    _, chat = stack
    jean, marie = browser(chromium), browser(chromium)
    try:
        wait_jean = log_in(jean, chat.url, "MAT1001")
        wait_marie = log_in(marie, chat.url, "MAT1002")

        jean.find_element(By.ID, "new-chat-matricule").send_keys("MAT1002")
        jean.find_element(By.ID, "new-chat-button").click()
        wait_jean.until(ec.visibility_of_element_located((By.ID, "send-form")))
        jean.find_element(By.ID, "message-input").send_keys("Bonjour Marie")
        jean.find_element(By.ID, "send-button").click()
        wait_jean.until(ec.text_to_be_present_in_element((By.ID, "messages"), "Bonjour Marie"))

        # Marie's list learns of the conversation live (conversation:created / newMessage).
        item = wait_marie.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#conversations li")))
        assert "Jean Dupont" in item.text
        item.click()
        wait_marie.until(ec.text_to_be_present_in_element((By.ID, "messages"), "Bonjour Marie"))

        marie.find_element(By.ID, "message-input").send_keys("Bonjour Jean")
        wait_jean.until(ec.text_to_be_present_in_element((By.ID, "typing"), "Marie Ngono écrit"))
        marie.find_element(By.ID, "send-button").click()
        wait_jean.until(ec.text_to_be_present_in_element((By.ID, "messages"), "Bonjour Jean"))
        # Both have written: they are contacts now, and Jean's console asks who is online
        # (Marie was online before the conversation existed).
        wait_jean.until(
            ec.presence_of_element_located((By.CSS_SELECTOR, "#conversations .presence.online"))
        )
        sender = jean.find_elements(By.CSS_SELECTOR, "#messages li .who")[-1].text
        assert sender == "Marie Ngono"

        jean.find_element(By.ID, "file-input").send_keys(str(FIXTURE))
        jean.find_element(By.ID, "send-button").click()
        wait_marie.until(ec.text_to_be_present_in_element((By.ID, "messages"), FIXTURE.name))
        assert marie.find_elements(By.CSS_SELECTOR, "#messages li a.attachment")
    finally:
        jean.quit()
        marie.quit()
