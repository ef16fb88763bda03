"""Both web consoles in French and English (issue 24), in headless Chromium against real
services: French first, the switch turns the page and the servers' answers (Accept-Language
over HTTP, `auth.locale` on the socket) into English, the choice survives a reload, and the
switch back restores the French."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.test_console_chromium import PASSWORD, browser, chromium
from tests.support.servers import ServiceProcess, free_port

pytestmark = pytest.mark.e2e
__all__ = ["chromium"]  # the module fixture shared with the chat console's own test
BOOT_SECONDS = 120.0  # seeding the demo users hashes five passwords: slow on a busy machine


@pytest.fixture(scope="module")
def stack(redis_url: str) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    """auth_user (demo users) and chat_file, the console's origin allowed by auth_user."""
    ns = f"test:{uuid.uuid4().hex[:8]}:"
    chat_port = free_port()
    shared = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": ns,
        "USER_CACHE_PREFIX": f"{ns}user:profile:",
    }
    auth = ServiceProcess(
        "auth_user",
        {
            **shared,
            "SEED_DEMO_USERS": "true",
            "CORS_ALLOWED_ORIGINS": f"http://127.0.0.1:{chat_port}",
        },
    ).start(timeout=BOOT_SECONDS)
    chat = ServiceProcess(
        "chat_file",
        {**shared, "AUTH_USER_SERVICE_URL": auth.url, "AUTH_USER_PUBLIC_URL": auth.url},
        port=chat_port,
    ).start(timeout=BOOT_SECONDS)
    yield auth, chat
    chat.stop()
    auth.stop()


@pytest.fixture
def driver(chromium: tuple[str, str]) -> Iterator[webdriver.Chrome]:
    chrome = browser(chromium)
    yield chrome
    chrome.quit()


def text_of(driver: webdriver.Chrome, element_id: str) -> str:
    return str(driver.find_element(By.ID, element_id).text)


def choose(driver: webdriver.Chrome, language: str) -> None:
    Select(driver.find_element(By.ID, "language")).select_by_value(language)


def test_the_chat_console_switches_language(
    stack: tuple[ServiceProcess, ServiceProcess], driver: webdriver.Chrome
) -> None:
    _, chat = stack
    wait = WebDriverWait(driver, 20)
    driver.get(chat.url + "/")
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-button"), "Se connecter"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"

    choose(driver, "en")
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-button"), "Sign in"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert driver.find_element(By.CSS_SELECTOR, "#login-form h2").text == "Sign in"
    # auth_user answers in the console's language (Accept-Language), not the browser's
    driver.find_element(By.ID, "matricule").send_keys("MAT1001")
    driver.find_element(By.ID, "password").send_keys("pas-le-bon")
    driver.find_element(By.ID, "login-button").click()
    wait.until(
        ec.text_to_be_present_in_element((By.ID, "login-error"), "Incorrect matricule or password")
    )

    driver.refresh()  # the choice is remembered
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-button"), "Sign in"))
    driver.find_element(By.ID, "matricule").send_keys("MAT1001")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "online"))
    placeholder = driver.find_element(By.ID, "new-chat-matricule").get_attribute("placeholder")
    assert placeholder == "Matricule (private conversation)"
    driver.find_element(By.ID, "new-chat-matricule").send_keys("NOBODY42")
    driver.find_element(By.ID, "new-chat-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "new-chat-error"), "User not found"))
    # the socket speaks the language it connected with (auth.locale)
    socket_error = """
        const done = arguments[arguments.length - 1];
        state.socket.emit("getMessages", {conversationId: "f".repeat(24)}, (ack) => done(ack));
    """
    ack = driver.execute_async_script(socket_error)
    assert (ack["code"], ack["message"]) == ("CONVERSATION_NOT_FOUND", "Conversation not found")

    choose(driver, "fr")  # back to French: the page, the status and the socket
    wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "en ligne"))
    placeholder = driver.find_element(By.ID, "new-chat-matricule").get_attribute("placeholder")
    assert placeholder == "Matricule (conversation privée)"
    wait.until(lambda d: d.execute_script("return state.socket.connected"))
    ack = driver.execute_async_script(socket_error)
    assert (ack["code"], ack["message"]) == ("CONVERSATION_NOT_FOUND", "Conversation introuvable")


def test_the_admin_console_switches_language(
    stack: tuple[ServiceProcess, ServiceProcess], driver: webdriver.Chrome
) -> None:
    auth, _ = stack
    wait = WebDriverWait(driver, 20)
    driver.get(auth.url + "/admin/console/")
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-button"), "Se connecter"))
    choose(driver, "en")
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-button"), "Sign in"))
    assert driver.find_element(By.CSS_SELECTOR, "header h1").text == (
        "ngomna — administration console"
    )
    driver.find_element(By.ID, "matricule").send_keys("MAT1001")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()  # a member: not for this console
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-error"), "Admins only"))
    driver.refresh()
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-button"), "Sign in"))
    driver.find_element(By.ID, "matricule").send_keys("MAT1001")
    driver.find_element(By.ID, "password").send_keys("pas-le-bon")
    driver.find_element(By.ID, "login-button").click()
    wait.until(
        ec.text_to_be_present_in_element((By.ID, "login-error"), "Incorrect matricule or password")
    )
    choose(driver, "fr")
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-button"), "Se connecter"))
    assert driver.find_element(By.CSS_SELECTOR, "#login-form h2").text == "Connexion"
