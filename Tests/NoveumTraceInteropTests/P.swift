import Testing
import Hummingbird
import AsyncHTTPClient
